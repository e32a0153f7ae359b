"""Who reports and who scrutinises: directorates, services, committees, corporate priorities, roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

PERFORMANCE_GROUP = "Performance team"
# The performance team runs the set-up screens for everything the two apps hold, and gives people
# their accounts; nobody needs to be a superuser for day-to-day work.
PERFORMANCE_APPS = ("indicators", "reports")
PERFORMANCE_USER_PERMISSIONS = ("add_user", "change_user", "view_user")


class Directorate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    services = models.ManyToManyField(Service, related_name="committees", blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        # No reverse manager on the user: seats are changed from the committee's side only,
        # whose history records them (simple-history cannot record a change made from a user).
        related_name="+",
        blank=True,
        help_text="The elected members who sit on it: their home page shows it first",
    )
    history = HistoricalRecords(m2m_fields=[services, members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CorporatePriority(models.Model):
    """A corporate plan priority or community-planning (LOIP) outcome that plans contribute to."""

    framework = models.CharField(max_length=200, help_text="e.g. Local Outcomes Improvement Plan")
    abbreviation = models.CharField(max_length=10, blank=True, help_text='Shown before the title, e.g. "L" or "CP"')
    title = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "title"]
        verbose_name_plural = "corporate priorities"
        constraints = [models.UniqueConstraint(fields=["framework", "title"], name="unique_priority_per_framework")]

    def __str__(self) -> str:
        return f"({self.abbreviation}) {self.title}" if self.abbreviation else self.title


class Role(models.Model):
    """What a user may do, and for which service. A user can hold several roles."""

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", "Performance team"
        APPROVER = "approver", "Approver"
        OFFICER = "officer", "Officer"
        MEMBER = "member", "Committee member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text="Approvers and officers act for one service; leave empty for the performance team and members",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "service"], name="unique_role"),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(service__isnull=True), name="unique_role_without_service"
            ),
        ]

    def __str__(self) -> str:
        where = f" – {self.service}" if self.service_id else ""
        return f"{self.user} – {self.get_kind_display()}{where}"

    def clean(self) -> None:
        needs_service = self.kind in (self.Kind.APPROVER, self.Kind.OFFICER)
        if needs_service and not self.service_id:
            raise ValidationError({"service": "Approvers and officers act for a service."})


def sync_staff_access(user) -> None:
    """Give the set-up screens (staff, and the performance team's permissions) to exactly the
    users who hold the performance-team role, so giving or taking the role is all it takes."""
    is_performance = Role.objects.filter(user=user, kind=Role.Kind.PERFORMANCE).exists()
    group, created = Group.objects.get_or_create(name=PERFORMANCE_GROUP)
    if created or is_performance:
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=PERFORMANCE_APPS)
            | Permission.objects.filter(content_type__app_label="auth", codename__in=PERFORMANCE_USER_PERMISSIONS)
        )
    if is_performance:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    staff = is_performance or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def _role_changed(sender, instance: Role, **kwargs) -> None:
    sync_staff_access(instance.user)
