"""Demo agencies and one user per role. Everything here is fictional."""

from django.contrib.auth.models import Permission

from .models import Role, User

# A user's agency is the cases app's Agency; accounts sits below cases and reaches it through the
# relation (declared by name in the model), never by importing cases.
Agency = User._meta.get_field("agency").related_model

DEMO_PASSWORD = "northbridge-demo-2026"

AGENCIES = [
    # name, kind, senior manager, e-mail
    (
        "Northbridge Children's Social Care",
        Agency.Kind.CHILDRENS_SOCIAL_CARE,
        "Dana Whitcombe",
        "dana.whitcombe@csc.northbridge.example",
    ),
    (
        "Northbridge Constabulary",
        Agency.Kind.POLICE,
        "Superintendent Alex Rowan",
        "alex.rowan@police.northbridge.example",
    ),
    (
        "Northbridge Hospitals NHS Trust",
        Agency.Kind.HEALTH_PROVIDER,
        "Morgan Ellery",
        "morgan.ellery@hospitals.northbridge.example",
    ),
    (
        "Northbridge Clinical Commissioning Group",
        Agency.Kind.HEALTH_COMMISSIONER,
        "Priya Hallam",
        "priya.hallam@ccg.northbridge.example",
    ),
    (
        "Northbridge Education Services",
        Agency.Kind.EDUCATION,
        "Sam Okafor",
        "sam.okafor@education.northbridge.example",
    ),
    (
        "Northbridge Youth Offending Team",
        Agency.Kind.YOUTH_JUSTICE,
        "Chris Lindqvist",
        "chris.lindqvist@yot.northbridge.example",
    ),
    (
        "Northbridge School Nursing Team",
        Agency.Kind.HEALTH_PROVIDER,
        "Jo Featherstone",
        "jo.featherstone@schoolnursing.northbridge.example",
    ),
    (
        "Northbridge CAMHS",
        Agency.Kind.MENTAL_HEALTH,
        "Dr Robin Ashdown",
        "robin.ashdown@camhs.northbridge.example",
    ),
]

# email, name, role, agency name (contributors), job title. The first of each role is the login printed.
USERS = [
    ("bm@pscb.example", "Harriet Vale", Role.BUSINESS_MANAGER, None, "PSCB Business Manager"),
    (
        "panel@pscb.example",
        "Nadia Brook",
        Role.PANEL_MEMBER,
        None,
        "Chair of the Monitoring, Evaluation & Scrutiny Committee",
    ),
    (
        "contributor@csc.example",
        "Owen Tarrant",
        Role.AGENCY_CONTRIBUTOR,
        "Northbridge Children's Social Care",
        "Safeguarding Lead",
    ),
    ("board@pscb.example", "Imogen Pell", Role.BOARD_MEMBER, None, "Board member"),
    ("qa@pscb.example", "Tobias Wren", Role.QUALITY_ASSURANCE, None, "Independent scrutineer"),
    ("admin@pscb.example", "Felix Grange", Role.ADMINISTRATOR, None, "System administrator"),
    (
        "panel.csc@pscb.example",
        "Ruth Calder",
        Role.PANEL_MEMBER,
        None,
        "Head of the Safeguarding Monitoring Service",
    ),
    ("panel.police@pscb.example", "Tom Easton", Role.PANEL_MEMBER, None, "Inspector, Safeguarding Team"),
    (
        "panel.nurse@pscb.example",
        "Grace Minton",
        Role.PANEL_MEMBER,
        None,
        "Named Nurse for Safeguarding Children",
    ),
    (
        "panel.ccg@pscb.example",
        "Leo Farrant",
        Role.PANEL_MEMBER,
        None,
        "Deputy Director of Quality and Safeguarding",
    ),
    (
        "contributor@police.example",
        "Beth Harland",
        Role.AGENCY_CONTRIBUTOR,
        "Northbridge Constabulary",
        "Detective Sergeant",
    ),
    (
        "contributor@hospitals.example",
        "Kit Moreno",
        Role.AGENCY_CONTRIBUTOR,
        "Northbridge Hospitals NHS Trust",
        "Named Midwife",
    ),
    (
        "contributor@education.example",
        "Ada Brightwell",
        Role.AGENCY_CONTRIBUTOR,
        "Northbridge Education Services",
        "Designated Safeguarding Lead",
    ),
]


def load(world):
    for name, kind, manager, email in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "senior_manager_name": manager, "senior_manager_email": email},
        )
        world.setdefault("agencies", {})[name] = agency
    for email, full_name, role, agency_name, title in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                job_title=title,
                agency=world["agencies"][agency_name] if agency_name else None,
            )
        world.setdefault("users", {})[email] = user
    admin = world["users"]["admin@pscb.example"]
    _grant_admin_reference_data(admin)


def _grant_admin_reference_data(admin):
    """The administrator manages users, agencies and Board meetings, and nothing holding case data."""
    perms = Permission.objects.filter(
        content_type__app_label__in=["accounts", "cases", "recommendations"],
        content_type__model__in=["user", "agency", "boardmeeting"],
    )
    admin.user_permissions.add(*perms)
    # A user who lost their phone: the administrator removes their second-factor devices (view and
    # delete only; never add, which would let them set a key they know) and the user enrols again.
    device_perms = Permission.objects.filter(
        content_type__app_label__in=["otp_totp", "otp_static"],
        content_type__model__in=["totpdevice", "staticdevice"],
        codename__regex=r"^(view|delete)_",
    )
    admin.user_permissions.add(*device_perms)
