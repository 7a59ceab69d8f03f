from django.urls import path

from doorstroom.outcomes import views_reports

app_name = "reports"
urlpatterns = [
    path("", views_reports.report_index, name="index"),
    path("<uuid:result_id>/", views_reports.report_result, name="result"),
    path("<uuid:result_id>/download/", views_reports.report_download, name="download"),
]
