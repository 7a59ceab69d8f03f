from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from doorstroom.accounts.models import User
from doorstroom.audit.admin_mixins import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
