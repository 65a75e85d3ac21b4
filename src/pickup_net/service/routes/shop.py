"""The shop owner's API: read one's own assignment and answer it (shop tokens only)."""

from fastapi import APIRouter, HTTPException, status

from pickup_net.service.assignments import (
    answer_public,
    offer_over_storage,
    save_answer,
    shop_assignment,
)
from pickup_net.service.deps import SessionDep, ShopDep, found
from pickup_net.service.json_body import BoundedJsonRoute
from pickup_net.service.scenario_upload import UploadError
from pickup_net.service.schemas import ShopAnswer, ShopAssignment, ShopResponsePublic

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
