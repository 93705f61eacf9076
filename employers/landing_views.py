"""The way in for employers: what they can do, and registering an organisation.

Anyone may read the landing page; people who belong to an organisation go straight to it.
Registering needs an account: the landing page offers sign-up, which comes back to the
registration form once the email address is confirmed (``accounts.views``).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import bulk, services
from .forms import OrganisationSignupForm
from .models import Organisation


@require_GET
def index(request):
    """What employers can do and how to start; members go straight to their organisation."""
    organisations = list(Organisation.objects.for_member(request.user))
    if len(organisations) == 1:
        return redirect("employers:organisation", organisations[0].pk)
    if organisations:
        return render(request, "employers/index.html", {"organisations": organisations})
    return render(request, "employers/landing.html", {"max_rows": f"{bulk.MAX_ROWS:,}"})


@require_http_methods(["GET", "POST"])
def signup(request):
    """Register an organisation, its registrant its first member (pending until approved)."""
    if not request.user.is_authenticated:
        # The landing page says what registering gives, and offers sign-up and log-in.
        return redirect("employers:index")
    form = OrganisationSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=request.user, **form.cleaned_data)
        except services.OrganisationError as error:
            form.add_error("name", str(error))
        else:
            messages.success(
                request,
                f"{organisation.name} is registered and waiting for approval. "
                "We'll review it soon; until then you can check credentials one at a time.",
            )
            return redirect("employers:organisation", organisation.pk)
    return render(request, "employers/signup.html", {"form": form})
