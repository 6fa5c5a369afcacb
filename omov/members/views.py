"""The organisation's officers page: an organisation administrator appoints returning officers (for a unit and
below), scrutineers, nominations officers and member-voice officers, and ends appointments. Views translate HTTP
into `omov.members.services.appoint` / `revoke` (which check the administrator and write the audit log)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from omov.members.errors import MemberError
from omov.members.models import Appointment, Organisation
from omov.members.permissions import is_org_admin
from omov.members.services import appoint, revoke, user_for_email


class AppointForm(forms.Form):
    email = forms.EmailField(label="Their email address", help_text="A member's address, or an officer's account.")
    role = forms.ChoiceField(choices=Appointment.Role.choices)
    unit = forms.ChoiceField(required=False, label="For", help_text="This unit and every unit under it.")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in organisation.units.order_by("path")}
        indented = [(k, f"{'— ' * (u.depth - 1)}{u.name}") for k, u in self.units.items()]
        self.fields["unit"].choices = [("", f"the whole of {organisation.name}"), *indented]


@never_cache
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Your roles, and the organisations you administer."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mine = list(Appointment.objects.filter(user=request.user).select_related("organisation", "unit"))
    administered = [o for o in Organisation.objects.order_by("name") if is_org_admin(actor=request.user,
                                                                                      organisation=o)]  # fmt: skip
    if len(administered) == 1 and not request.GET:
        return redirect("organisation-officers", slug=administered[0].slug)
    return render(request, "members/organisations.html", {"mine": mine, "administered": administered})


@never_cache
@require_http_methods(["GET", "POST"])
def officers(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's appointments by role; appoint someone; end an appointment."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    if not is_org_admin(actor=request.user, organisation=organisation):
        return render(request, "members/refused.html", {"organisation": organisation}, status=403)
    action = request.POST.get("action", "")
    form = AppointForm(request.POST if action == "appoint" else None, organisation=organisation)
    if request.method == "POST":
        try:
            if action == "appoint":
                if form.is_valid():
                    d = form.cleaned_data
                    user = user_for_email(email=d["email"])
                    unit = form.units.get(d["unit"] or "")
                    appoint(organisation=organisation, user=user, role=d["role"], unit=unit, actor=request.user)
                    messages.success(request, f"{user.get_username()} is appointed "
                                              f"{Appointment.Role(d['role']).label}.")  # fmt: skip
                    return redirect("organisation-officers", slug=slug)
            elif action == "revoke":
                appointment = get_object_or_404(Appointment, pk=request.POST.get("appointment") or 0,
                                                organisation=organisation)  # fmt: skip
                revoke(appointment=appointment, actor=request.user)
                messages.success(request, f"{appointment} is ended.")
                return redirect("organisation-officers", slug=slug)
            else:
                raise Http404("no such action")
        except MemberError as exc:
            messages.error(request, str(exc)[:1].upper() + str(exc)[1:] + ".")
    appointments = Appointment.objects.filter(organisation=organisation).select_related("user", "unit")
    by_role = [(label, [a for a in appointments if a.role == value]) for value, label in Appointment.Role.choices]
    return render(request, "members/officers.html", {
        "organisation": organisation, "form": form, "by_role": by_role,
    }, status=400 if request.method == "POST" else 200)  # fmt: skip
