"""Issued versions numbered per report (unique), what was outstanding at issue, render leases."""

from django.conf import settings
from django.db import migrations, models


def number_versions(apps, schema_editor):
    """Existing issues take their version in the order they were issued, withdrawn ones included."""
    IssuedReport = apps.get_model("reports", "IssuedReport")
    HistoricalIssuedReport = apps.get_model("reports", "HistoricalIssuedReport")
    counts: dict[int, int] = {}
    for issued in IssuedReport.objects.order_by("issued_at", "pk"):
        counts[issued.report_id] = counts.get(issued.report_id, 0) + 1
        IssuedReport.objects.filter(pk=issued.pk).update(version=counts[issued.report_id])
        HistoricalIssuedReport.objects.filter(id=issued.pk).update(version=counts[issued.report_id])
    HistoricalIssuedReport.objects.filter(version__isnull=True).update(version=0)  # rows of deleted issues


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_committeereport_appendix_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalissuedreport',
            name='outstanding',
            field=models.JSONField(blank=True, default=dict, help_text='What was outstanding when it was issued (the readiness check)'),
        ),
        migrations.AddField(
            model_name='historicalissuedreport',
            name='version',
            field=models.PositiveIntegerField(help_text='1 for the first issue of the report, 2 for the next …', null=True),
        ),
        migrations.AddField(
            model_name='issuedreport',
            name='outstanding',
            field=models.JSONField(blank=True, default=dict, help_text='What was outstanding when it was issued (the readiness check)'),
        ),
        migrations.AddField(
            model_name='issuedreport',
            name='version',
            field=models.PositiveIntegerField(help_text='1 for the first issue of the report, 2 for the next …', null=True),
        ),
        migrations.AddField(
            model_name='reportrender',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='reportrender',
            name='confirmation',
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='reportrender',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='reportrender',
            name='outstanding',
            field=models.JSONField(blank=True, default=dict, help_text='What the readiness check found outstanding when the issue was confirmed'),
        ),
        migrations.RunPython(number_versions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalissuedreport',
            name='version',
            field=models.PositiveIntegerField(help_text='1 for the first issue of the report, 2 for the next …'),
        ),
        migrations.AlterField(
            model_name='issuedreport',
            name='version',
            field=models.PositiveIntegerField(help_text='1 for the first issue of the report, 2 for the next …'),
        ),
        migrations.AddConstraint(
            model_name='issuedreport',
            constraint=models.UniqueConstraint(fields=('report', 'version'), name='one_issue_per_version'),
        ),
    ]
