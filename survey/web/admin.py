"""The ``admin`` blueprint at /admin: every URL rule of the staff administration and who may use it."""

from __future__ import annotations

from flask import Blueprint, render_template

from survey.domain.opening_hours import DAY_NAMES
from survey.services.organisation import FIELDS
from survey.web import admin_audit, admin_keys, admin_services, admin_units, admin_users
from survey.web.admin_forms import KIND_LABELS
from survey.web.auth import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = ("admin",)
MANAGERS = ("admin", "unit_manager")


@bp.context_processor
def _labels() -> dict:
    """Give the admin templates the names of unit kinds, fields and weekdays."""
    return {"kinds": KIND_LABELS, "fields": FIELDS, "day_names": DAY_NAMES}


def index():
    """Show the administration menu."""
    return render_template("admin/index.html")


# (rule, endpoint, view, methods, roles allowed); unit managers see only their own unit subtree.
RULES = [
    ("/", "index", index, ["GET"], MANAGERS),
    ("/units", "units", admin_units.index, ["GET"], MANAGERS),
    ("/units/new", "unit_new", admin_units.new, ["GET", "POST"], MANAGERS),
    ("/units/<int:unit_id>", "unit_edit", admin_units.edit, ["GET", "POST"], MANAGERS),
    ("/units/<int:unit_id>/predecessors", "predecessor_add", admin_units.add_predecessor, ["POST"],
     MANAGERS),
    ("/units/<int:unit_id>/predecessors/<int:predecessor_id>/delete", "predecessor_remove",
     admin_units.remove_predecessor, ["POST"], MANAGERS),
    ("/services", "services", admin_services.index, ["GET"], MANAGERS),
    ("/services/new", "service_new", admin_services.new, ["GET", "POST"], ADMIN),
    ("/services/<int:service_id>", "service_edit", admin_services.edit, ["GET", "POST"], ADMIN),
    ("/users", "users", admin_users.index, ["GET"], MANAGERS),
    ("/users/new", "user_new", admin_users.new, ["GET", "POST"], MANAGERS),
    ("/users/<int:user_id>", "user_edit", admin_users.edit, ["GET", "POST"], MANAGERS),
    ("/users/<int:user_id>/password", "user_password", admin_users.password, ["POST"], MANAGERS),
    ("/api-keys", "api_keys", admin_keys.index, ["GET"], MANAGERS),
    ("/api-keys/new", "api_key_new", admin_keys.new, ["GET", "POST"], MANAGERS),
    ("/api-keys/<int:key_id>/revoke", "api_key_revoke", admin_keys.revoke, ["POST"], MANAGERS),
    ("/audit", "audit", admin_audit.index, ["GET"], MANAGERS),
]

for rule, endpoint, view, methods, roles in RULES:
    bp.add_url_rule(rule, endpoint, role_required(*roles)(view), methods=methods)
