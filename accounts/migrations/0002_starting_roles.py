"""The starting roles. Each is granted by an Okta-style group and by a local Django group of its own
name (the demo users of `manage.py demo_users` are in those). Administrators edit them in the admin."""

from django.db import migrations

ALL = ["overview", "sentiment", "support", "product", "journey", "segments", "insights"]

STARTING_ROLES = [
    {
        "name": "CX analyst",
        "description": "Follows sentiment and the customer journey across every customer, without PII.",
        "idp_groups": ["portal-cx-analysts", "CX analyst"],
        "snowflake_role": "PORTAL_CX_ANALYST",
        "scope": {},
        "pii": False,
        "workspaces": ["overview", "sentiment", "journey", "segments", "insights"],
        "can_export": True,
        "can_subscribe": True,
    },
    {
        "name": "Support lead",
        "description": "Watches the EMEA ticket backlog; sees EMEA customers only, without PII.",
        "idp_groups": ["portal-support-leads", "Support lead"],
        "snowflake_role": "PORTAL_SUPPORT_LEAD",
        "scope": {"region": ["EMEA"]},
        "pii": False,
        "workspaces": ["overview", "support", "sentiment", "journey"],
        "can_export": True,
        "can_subscribe": True,
    },
    {
        "name": "Product manager",
        "description": "Reads review feedback and product insights, without PII.",
        "idp_groups": ["portal-product-managers", "Product manager"],
        "snowflake_role": "PORTAL_PRODUCT_MANAGER",
        "scope": {},
        "pii": False,
        "workspaces": ["overview", "product", "sentiment", "insights"],
        "can_export": True,
        "can_subscribe": True,
    },
    {
        "name": "Customer success manager",
        "description": "Finds North American high- and medium-value customers at risk; sees their names.",
        "idp_groups": ["portal-cs-managers", "Customer success manager"],
        "snowflake_role": "PORTAL_CS_MANAGER",
        "scope": {"region": ["NA"], "value_segment": ["High Value", "Medium Value"]},
        "pii": True,
        "workspaces": ["overview", "journey", "segments", "support", "insights"],
        "can_export": True,
        "can_subscribe": True,
    },
    {
        "name": "Executive",
        "description": "Scans the KPIs of every workspace; no PII, no CSV downloads.",
        "idp_groups": ["portal-executives", "Executive"],
        "snowflake_role": "PORTAL_EXECUTIVE",
        "scope": {},
        "pii": False,
        "workspaces": ALL,
        "can_export": False,
        "can_subscribe": True,
    },
    {
        "name": "Administrator",
        "description": "Maps groups to roles, manages presets and subscriptions, reads the audit log.",
        "idp_groups": ["portal-admins", "Administrator"],
        "snowflake_role": "PORTAL_ADMIN",
        "scope": {},
        "pii": True,
        "workspaces": ALL,
        "can_export": True,
        "can_subscribe": True,
        "is_admin": True,
    },
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for fields in STARTING_ROLES:
        name = fields["name"]
        Role.objects.update_or_create(name=name, defaults={k: v for k, v in fields.items() if k != "name"})


def remove_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(name__in=[r["name"] for r in STARTING_ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
