from django.urls import path

from billing import views, views_statements

app_name = "billing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
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
