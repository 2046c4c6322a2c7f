from django.db import migrations

from platform_site.rls import enable_rls


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [
        enable_rls(
            "review_expert",
            "review_expertaffiliation",
            "review_rubric",
            "review_rubricgroup",
            "review_rubriccriterion",
            "review_tierdiscount",
            "review_casereview",
            "review_reviewmeeting",
            "review_panelinvitation",
            "review_conflictdeclaration",
            "review_score",
            "review_reviewdecision",
        ),
    ]
