from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    BUSINESS_MANAGER = "business_manager", "Business Manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    AGENCY_CONTRIBUTOR = "agency_contributor", "Agency contributor"
    BOARD_MEMBER = "board_member", "Board member"
    # Read-only: the programme, aggregates, published learning and published reports; no case detail.
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance (read-only)"
    ADMINISTRATOR = "administrator", "Administrator"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", extra.get("role") == Role.ADMINISTRATOR)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by e-mail. Their role decides what they may see; a contributor
    belongs to exactly one agency and sees only that agency's work."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Required for agency contributors; the agency whose returns and actions they handle.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the administration site.")
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                name="contributor_has_agency",
                condition=~Q(role=Role.AGENCY_CONTRIBUTOR) | Q(agency__isnull=False),
                violation_error_message="An agency contributor must belong to an agency.",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self):

        super().clean()
        self.email = (self.email or "").lower()
        if self.role == Role.AGENCY_CONTRIBUTOR and not self.agency_id:
            raise ValidationError({"agency": "An agency contributor must belong to an agency."})

    @property
    def is_business_manager(self):
        return self.role == Role.BUSINESS_MANAGER

    @property
    def is_agency_contributor(self):
        return self.role == Role.AGENCY_CONTRIBUTOR


class RoleGrant(models.Model):
    """One change of who may see case data: a user's role (and, for a contributor, agency) set by a
    Business Manager in the app, with who, when and why. Kept for good, like the access log."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    previous_role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "cases.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_agency = models.ForeignKey(
        "cases.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Empty only for the first Business Manager, made on the server by `create_business_manager`.
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="role_grant_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="role_grant_not_to_oneself",
                condition=Q(granted_by__isnull=True) | ~Q(granted_by=models.F("user")),
                violation_error_message="Nobody grants a role to themselves.",
            ),
        ]

    def __str__(self):
        return f"{self.user} made {self.get_role_display()} on {self.created_at:%Y-%m-%d}"


class EnrolmentLink(models.Model):
    """A one-time, short-lived link, e-mailed to the user, that opens second-factor enrolment. A
    password alone never lets anyone set up the account's authenticator: they must also read the
    account's e-mail. Only a hash of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Enrolment link for {self.user} ({'used' if self.used_at else 'unused'})"

    @property
    def is_usable(self):
        return self.used_at is None and timezone.now() < self.expires_at
