"""Registers every feature's blueprint with its access rule (one place to read them all)."""

from __future__ import annotations

from flask import Flask

from .access import register


def register_all(app: Flask) -> None:
    from .auth.views import bp as auth
    from .citizen.views import bp as citizen
    from .cobrowse.citizen_views import bp as cobrowse_citizen
    from .cobrowse.clerk_views import bp as cobrowse_clerk
    from .core.views import bp as core
    from .counter.api import bp as counter_api
    from .counter.web import bp as counter_web
    from .desk.delegations import bp as delegations
    from .desk.views import bp as desk
    from .fines.views import bp as fines
    from .forms_web.counter_api import bp as counter_drafts
    from .forms_web.views import bp as forms_web
    from .health.clinical import bp as clinical
    from .health.patient import bp as health
    from .health.privacy import bp as privacy
    from .help.views import citizen as help_citizen
    from .help.views import clerks as help_queue
    from .help.views import public as help_public
    from .notifications.views import deliveries as notify_deliveries
    from .notifications.views import inbox as notify_inbox
    from .notifications.views import unsubscribe_bp as notify_unsubscribe
    from .payments.views import bp as payments
    from .school.views import bp as school
    from .verify.views import bp as verify

    register(app, core, access="public")
    register(app, auth, access="public")
    register(app, citizen, access="citizen", url_prefix="/area-personale")
    register(app, fines, access="citizen", url_prefix="/area-personale/multe")
    register(app, payments, access="citizen", url_prefix="/area-personale/pagamenti")
    register(app, verify, access="public")
    register(app, counter_api, access="terminal", url_prefix="/counter/api/v1")
    register(app, counter_web, access="terminal", url_prefix="/sportello-convenzionato")
    register(app, forms_web, access="citizen")
    register(app, school, access="citizen", url_prefix="/area-personale/scuola")
    register(
        app, delegations, access="citizen", area="delegations", url_prefix="/area-personale/deleghe"
    )
    register(app, desk, access="clerk", url_prefix="/sportello-assistito")
    register(app, counter_drafts, access="terminal", url_prefix="/counter/api/v1")
    register(app, health, access="citizen", area="health", url_prefix="/area-personale/salute")
    register(app, clinical, access="clinician", url_prefix="/clinico")
    register(app, privacy, access="privacy_officer", url_prefix="/privacy/emergenze")
    register(app, notify_inbox, access="citizen", url_prefix="/area-personale")
    register(app, notify_unsubscribe, access="public")
    register(app, notify_deliveries, access="clerk", url_prefix="/sportello/notifiche")
    register(app, help_public, access="public")
    register(app, help_citizen, access="citizen", url_prefix="/area-personale/aiuto")
    register(app, help_queue, access="clerk", url_prefix="/sportello/coda")
    register(app, cobrowse_citizen, access="citizen", url_prefix="/area-personale/assistenza-live")
    register(app, cobrowse_clerk, access="clerk", url_prefix="/sportello/live")
