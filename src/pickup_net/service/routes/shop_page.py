"""The shop owner's web page: server-rendered, phone-sized, in Spanish and English.

The link a shop owner receives carries `?token=`; the page moves it into an HttpOnly cookie
and redirects to a clean address. Its forms post back with a CSRF value tied to that cookie.
"""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.datastructures import FormData

from pickup_net.service.assignments import offer_over_storage, save_answer, shop_assignment
from pickup_net.service.deps import SessionDep, SettingsDep
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import ShopAnswer, StockReport
from pickup_net.service.security import SHOP_COOKIE, Caller, csrf_matches, csrf_value, find_token
from pickup_net.service.shop_texts import TEXTS, WEEKDAYS, Language
from pickup_net.service.stock_reports import (
    check_and_save,
    last_report,
    plan_products,
    validation_problems,
)

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
    counted: bool = False,
) -> Response:
    """The shop owner's page: am I a hub; for every day when the van comes, what it brings,
    pickups and the stock to keep ready; what the shop earns; the answer and stock forms."""
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
    return _render(request, session, row, raw, language, saved=saved, counted=counted)


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


def stock_form(request: Request, session: SessionDep, form: FormData) -> Response:
    """The page's stock form (`POST /shop/stock` as a form): cookie and CSRF value required;
    one line per product whose `units` is filled in; errors re-render the page (422)."""
    lang: Language = "en" if form.get("lang") == "en" else "es"
    raw = request.cookies.get(SHOP_COOKIE, "")
    row = find_token(session, raw) if raw else None
    if row is None or row.role != "shop":
        return _message(request, lang, "no_link", status.HTTP_401_UNAUTHORIZED)
    if not csrf_matches(raw, str(form.get("csrf", ""))):
        return _message(request, lang, "bad_form", status.HTTP_403_FORBIDDEN)
    handed = form.getlist("handed_over_units")
    lines = [
        {
            "product_id": product_id,
            "units": units,
            "handed_over_units": (handed[i] if i < len(handed) else "") or None,
        }
        for i, (product_id, units) in enumerate(
            zip(form.getlist("product_id"), form.getlist("units"), strict=False)
        )
        if isinstance(units, str) and units.strip()
    ]
    assignment = shop_assignment(session, row.plan_id or "", row.shop_id or "")
    if assignment is None:
        return _message(request, lang, "no_plan", status.HTTP_404_NOT_FOUND)
    try:
        report = StockReport.model_validate({"lines": lines})
        check_and_save(
            session, row.plan_id or "", row.shop_id or "", report, assignment.storage_liters
        )
    except ValidationError as error:
        problems = validation_problems(error)
        return _render(request, session, row, raw, lang, error=_first(problems, lang))
    except UploadError as error:
        return _render(request, session, row, raw, lang, error=_first(error.errors, lang))
    return RedirectResponse(f"/shop?lang={lang}&counted=true", status.HTTP_303_SEE_OTHER)


def _first(problems: list[tuple[list[str | int], str]], lang: Language) -> str:
    """The stock form's error line: what is wrong, with the field and value named."""
    return TEXTS[lang]["stock_invalid"].format(problem=problems[0][1] if problems else "")


def _render(
    request: Request,
    session: SessionDep,
    row: Caller,
    raw: str,
    language: Language,
    saved: bool = False,
    counted: bool = False,
    error: str = "",
) -> Response:
    assignment = shop_assignment(session, row.plan_id or "", row.shop_id or "")
    if assignment is None:
        return _message(request, language, "no_plan", status.HTTP_404_NOT_FOUND)
    products = plan_products(session, row.plan_id or "")
    report = last_report(session, products.scenario_id, row.shop_id or "") if products else None
    first_day = assignment.days[0].products if assignment.days else []
    return templates.TemplateResponse(
        request,
        "shop.html",
        {
            "t": TEXTS[language],
            "weekdays": WEEKDAYS[language],
            "lang": language,
            "a": assignment,
            "keep": {line.product_id: line.keep_ready_units for line in first_day},
            "report": report,
            "report_time": _local_time(report.reported_at, assignment.timezone) if report else "",
            "names": {item.product_id: item.product_name for item in assignment.stock},
            "csrf": csrf_value(raw),
            "saved": saved,
            "counted": counted,
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


def _local_time(moment: datetime, timezone: str) -> str:
    """`moment` as local date and time (HH:MM) in the plan's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
