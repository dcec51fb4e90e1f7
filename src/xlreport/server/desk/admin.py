"""The admin site for the office's IT (Django's own pages, in Chinese): read the records."""

from django.contrib import admin

from xlreport.server.desk.models import Account, Action, Job, Report, StoredFile, Unit

admin.site.register(Unit)
admin.site.register(Account)
admin.site.register(StoredFile)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "version", "status", "errors", "warnings", "uploaded_at")
    list_filter = ("year", "status")


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "unit", "verb", "detail", "ip")
    list_filter = ("verb",)

    def has_change_permission(self, request, obj=None):  # the log is never edited
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "year", "kind", "status", "requested_by", "requested_at", "finished_at", "message")
    list_filter = ("year", "kind", "status")
