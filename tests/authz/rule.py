from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """Who may use a URL.

    get: personas allowed to GET it (None: the view answers GET with 405 for everyone allowed).
    post: personas allowed to POST (None: same as get; POSTs by allowed personas are not sent,
          since they change state; each feature's own tests cover them).
    get_status: what an allowed GET answers (default 200).
    public: True when anonymous users are allowed without being sent to log in.
    """

    get: set | None = None
    post: set | None = None
    get_status: int | tuple = 200
    public: bool = False
    kwargs: dict = field(default_factory=dict)

    @property
    def post_allowed(self):
        return self.post if self.post is not None else (self.get or set())
