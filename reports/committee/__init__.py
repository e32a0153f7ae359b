"""Committee reports: defining a report, its PDF (laid out whole or in parts), background
renders, and the pages to preview, issue and withdraw it."""
