from django.urls import path

from billing import views, views_statements

app_name = "billing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/lines/", views.line_add, name="line_add"),
    path("invoices/<int:pk>/lines/<int:line_pk>/delete/", views.line_remove, name="line_remove"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("number-ranges/", views.range_list, name="ranges"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    # statements (rate cards, NRE, royalties, maintenance)
    path("statements/", views_statements.statements, name="statements"),
    path("statements/nre/<int:pk>/", views_statements.nre_detail, name="nre"),
    path("statements/royalty/<int:pk>/", views_statements.royalty_statement, name="royalty_statement"),
    path("statements/maintenance/<int:pk>/", views_statements.maintenance_detail, name="maintenance"),
    path(
        "statements/<str:kind>/<int:pk>/<str:action>/",
        views_statements.statement_action,
        name="statement_action",
    ),
    path("royalty-agreements/", views_statements.agreements, name="agreements"),
    path("royalty-agreements/<int:pk>/", views_statements.agreement_detail, name="agreement"),
    path("royalty-agreements/<int:pk>/sign/", views_statements.agreement_sign, name="agreement_sign"),
    path("royalty-lines/", views_statements.royalty_lines, name="royalty_lines"),
    path("rate-cards/", views_statements.rate_cards, name="rate_cards"),
    path("rate-cards/<int:pk>/publish/", views_statements.rate_card_publish, name="rate_card_publish"),
]
