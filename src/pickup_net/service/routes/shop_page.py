"""The shop owner's web page: server-rendered, phone-sized, in Spanish and English.

The link a shop owner receives carries `?token=`; the page moves it into an HttpOnly cookie
and redirects to a clean address. Its forms post back with a CSRF value tied to that cookie.
"""

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from pickup_net.service.assignments import offer_over_storage, save_answer, shop_assignment
from pickup_net.service.deps import SessionDep, SettingsDep
from pickup_net.service.schemas import ShopAnswer
from pickup_net.service.security import SHOP_COOKIE, Caller, csrf_matches, csrf_value, find_token
from pickup_net.service.shop_texts import TEXTS, Language

router = APIRouter(tags=["shop page"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
_COOKIE_AGE_S = 60 * 24 * 3600
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""This page's own headers; `nosniff` and the Content-Security-Policy come from
`service.security_headers`, as for every HTML page."""
LangQuery = Annotated[Literal["es", "en"] | None, Query(description="Page language.")]


@router.get("/shop", response_class=HTMLResponse)
def shop_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Query(max_length=200)] = None,
    lang: LangQuery = None,
    saved: bool = False,
) -> Response:
    """The shop owner's page: am I a hub, what to hold, pickups per day, when the van comes."""
    language = _language(request, lang)
    if token is not None:
        row = find_token(session, token)
        if row is None or row.role != "shop":
            return _message(request, language, "bad_link", status.HTTP_401_UNAUTHORIZED)
        response = RedirectResponse(f"/shop?lang={language}", status.HTTP_303_SEE_OTHER)
        response.set_cookie(
            SHOP_COOKIE,
            token,
            max_age=_COOKIE_AGE_S,
            path="/shop",
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
        )
        response.headers.update(_HEADERS)
        return response
    raw = request.cookies.get(SHOP_COOKIE, "")
    row = find_token(session, raw) if raw else None
    if row is None or row.role != "shop":
        return _message(request, language, "no_link", status.HTTP_401_UNAUTHORIZED)
    return _render(request, session, row, raw, language, saved=saved)


@router.post("/shop/answer", response_class=HTMLResponse)
def shop_answer(
    request: Request,
    session: SessionDep,
    csrf: Annotated[str, Form(max_length=200)],
    decision: Annotated[Literal["accept", "decline"], Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    storage_liters: Annotated[str, Form(max_length=40)] = "",
    lang: Annotated[Literal["es", "en"], Form()] = "es",
) -> Response:
    """The page's accept and decline buttons post here (cookie and CSRF value required)."""
    raw = request.cookies.get(SHOP_COOKIE, "")
    row = find_token(session, raw) if raw else None
    if row is None or row.role != "shop":
        return _message(request, lang, "no_link", status.HTTP_401_UNAUTHORIZED)
    if not csrf_matches(raw, csrf):
        return _message(request, lang, "bad_form", status.HTTP_403_FORBIDDEN)
    try:
        answer = ShopAnswer(
            decision=decision,
            reason=reason,
            storage_liters=float(storage_liters) if storage_liters.strip() else None,
        )
    except (ValidationError, ValueError):
        return _render(request, session, row, raw, lang, error=TEXTS[lang]["answer_invalid"])
    assignment = shop_assignment(session, row.plan_id or "", row.shop_id or "")
    if assignment is not None and offer_over_storage(assignment, answer) is not None:
        error = TEXTS[lang]["storage_over"].format(liters=f"{assignment.storage_liters:.10g}")
        return _render(request, session, row, raw, lang, error=error)
    save_answer(session, row.plan_id or "", row.shop_id or "", answer)
    return RedirectResponse(f"/shop?lang={lang}&saved=true", status.HTTP_303_SEE_OTHER)


def _render(
    request: Request,
    session: SessionDep,
    row: Caller,
    raw: str,
    language: Language,
    saved: bool = False,
    error: str = "",
) -> Response:
    assignment = shop_assignment(session, row.plan_id or "", row.shop_id or "")
    if assignment is None:
        return _message(request, language, "no_plan", status.HTTP_404_NOT_FOUND)
    return templates.TemplateResponse(
        request,
        "shop.html",
        {
            "t": TEXTS[language],
            "lang": language,
            "a": assignment,
            "csrf": csrf_value(raw),
            "saved": saved,
            "error": error,
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK,
        headers=_HEADERS,
    )


def _message(request: Request, language: Language, key: str, code: int) -> Response:
    return templates.TemplateResponse(
        request,
        "shop.html",
        {"t": TEXTS[language], "lang": language, "a": None, "message": TEXTS[language][key]},
        status_code=code,
        headers=_HEADERS,
    )


def _language(request: Request, asked: Language | None) -> Language:
    """The asked language, else the browser's first of Spanish or English, else Spanish."""
    if asked is not None:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("es", "en"):
            return tag  # type: ignore[return-value]
    return "es"
