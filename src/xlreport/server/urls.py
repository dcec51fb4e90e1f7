"""The desk's addresses: the API under /api/, the pages, the admin site for the office's IT."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, register_converter

from xlreport.server.desk import endpoints, pages


class Kind:
    regex = "docx|pdf|html"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Kind, "kind")

admin.site.site_header = admin.site.site_title = "xlreport 报送台管理"
admin.site.login = pages.admin_login  # the throttled login, not a second one

urlpatterns = [
    path("api/health", endpoints.health),
    path("api/csrf", endpoints.csrf),
    path("api/login", endpoints.api_login),
    path("api/logout", endpoints.api_logout),
    path("api/me", endpoints.me),
    path("api/workbook", endpoints.api_workbook),
    path("api/reports", endpoints.api_reports),
    path("api/reports/<int:report_id>", endpoints.api_report),
    path("api/reports/<int:report_id>/file", endpoints.api_file),
    path("api/reports/<int:report_id>/<kind:kind>", endpoints.api_render),
    path("api/reports/<int:report_id>/submit", endpoints.api_submit),
    path("api/reports/<int:report_id>/return", endpoints.api_return),
    path("api/reports/<int:report_id>/approve", endpoints.api_approve),
    path("api/units", endpoints.api_units),
    path("api/audit.xlsx", endpoints.api_audit),
    path("api/feedback.zip", endpoints.api_feedback),
    path("api/publish.zip", endpoints.api_publish),
    path("api/jobs", endpoints.api_jobs),
    path("api/jobs/<int:job_id>", endpoints.api_job),
    path("api/jobs/<int:job_id>/file", endpoints.api_job_file),
    path("api/import", endpoints.api_import),
    path("api/actions.csv", endpoints.api_actions),
    path("", pages.home),
    path("login/", pages.login_page),
    path("logout/", pages.logout_page),
    path("unit/", pages.unit_page),
    path("upload/", pages.upload_page),
    path("reports/<int:report_id>/", pages.report_page),
    path("reports/<int:report_id>/submit", pages.submit_page),
    path("office/", pages.office_page),
    path("office/import", pages.import_page),
    path("office/jobs", pages.jobs_page),
    path("reports/<int:report_id>/review", pages.review_page),
    path("admin/", admin.site.urls),
]

handler400 = "xlreport.server.desk.errors.bad_request"
handler403 = "xlreport.server.desk.errors.forbidden"
handler404 = "xlreport.server.desk.errors.not_found"
handler500 = "xlreport.server.desk.errors.server_error"
