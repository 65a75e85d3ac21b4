"""The shop owner's API: read one's own assignment, answer it and report the stock on the
shelf (shop tokens only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import ValidationError

from pickup_net.service.assignments import (
    answer_public,
    offer_over_storage,
    save_answer,
    shop_assignment,
)
from pickup_net.service.deps import BearerDep, SessionDep, ShopDep, current_shop, found
from pickup_net.service.json_body import BoundedJsonRoute
from pickup_net.service.routes.shop_page import stock_form
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import (
    ShopAnswer,
    ShopAssignment,
    ShopResponsePublic,
    StockReport,
    StockReportPublic,
)
from pickup_net.service.stock_body import STOCK_BODY_OPENAPI, StockBody, stock_body
from pickup_net.service.stock_reports import (
    check_and_save,
    last_report,
    plan_products,
    validation_problems,
)

router = APIRouter(prefix="/shop", tags=["shop"], route_class=BoundedJsonRoute)


def own_shop(shop: ShopDep, shop_id: str | None) -> tuple[str, str]:
    """The (plan id, shop id) of the caller's token; 403 when another shop is named."""
    token, _ = shop
    if shop_id is not None and shop_id != token.shop_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a shop token reads only its own shop")
    return token.plan_id or "", token.shop_id or ""


@router.get("/assignment", response_model=ShopAssignment)
def get_assignment(
    session: SessionDep, shop: ShopDep, shop_id: str | None = None
) -> ShopAssignment:
    """The caller's own assignment: hub or not, stock to hold, pickups per day, van times."""
    plan_id, own_id = own_shop(shop, shop_id)
    return found(shop_assignment(session, plan_id, own_id), f"plan {plan_id} has no result")


@router.post(
    "/response",
    response_model=ShopResponsePublic,
    responses={
        422: {
            "description": "The answer is invalid: a decline without a reason or storage, a "
            "`storage_liters` over the shop's current storage, a NUL character in `reason`"
        }
    },
)
def post_response(
    answer: ShopAnswer, session: SessionDep, shop: ShopDep, shop_id: str | None = None
) -> ShopResponsePublic:
    """Accept the assignment, or decline it with a reason or a smaller storage figure (at most
    the shop's current storage: 422 naming the value and the maximum)."""
    plan_id, own_id = own_shop(shop, shop_id)
    assignment = found(shop_assignment(session, plan_id, own_id), f"plan {plan_id} has no result")
    problem = offer_over_storage(assignment, answer)
    if problem is not None:
        raise UploadError([(["body", "storage_liters"], problem)])
    return answer_public(save_answer(session, plan_id, own_id, answer))


@router.post(
    "/stock",
    response_model=StockReportPublic,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=STOCK_BODY_OPENAPI,
    responses={
        303: {"description": "The shop page's form was stored: back to the page"},
        401: {"description": "No shop token (or, for the form, no shop cookie)"},
        403: {"description": "A planner token, or the form without the page's CSRF value"},
        413: {"description": "The body is over 512 KiB"},
        422: {
            "description": "A line names a product not in the plan or one counted twice, a "
            "count is negative, fractional, not finite or over the shop's storage, too many "
            "lines, or `reported_at` is in the future or over a year old; nothing is stored"
        },
    },
)
def post_stock(
    request: Request,
    session: SessionDep,
    credentials: BearerDep,
    body: Annotated[StockBody, Depends(stock_body)],
) -> Response | StockReportPublic:
    """Report the units on the shop's shelf per product (and units handed over since the last
    report): the next plan of this scenario opens from the latest count per product. JSON with
    the shop token, or the shop page's form (cookie and CSRF value)."""
    if body.form is not None:
        return stock_form(request, session, body.form)
    token, _ = current_shop(request, session, credentials)
    plan_id, shop_id = token.plan_id or "", token.shop_id or ""
    if body.error is not None:
        raise UploadError([(["body"], body.error)])
    try:
        report = StockReport.model_validate(body.data)
    except ValidationError as error:
        raise UploadError(validation_problems(error)) from None
    assignment = found(shop_assignment(session, plan_id, shop_id), f"plan {plan_id} has no result")
    return check_and_save(session, plan_id, shop_id, report, assignment.storage_liters)


@router.get("/stock", response_model=StockReportPublic)
def get_stock(session: SessionDep, shop: ShopDep) -> StockReportPublic:
    """The caller's latest stock report in this plan's scenario (404 when none yet)."""
    plan_id, shop_id = own_shop(shop, None)
    products = found(plan_products(session, plan_id), f"plan {plan_id} has no result")
    return found(
        last_report(session, products.scenario_id, shop_id), "no stock report from this shop"
    )
