"""`POST /api/v1/calculate/KIND` — the calculation contract over HTTP."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dp.calculations.kinds import KINDS
from dp.calculations.service import CalculationError, calculate_from_text


class CalculateView(APIView):
    """Answers a calculation request with the same JSON as `manage.py calculate KIND`."""

    parser_classes = ()  # the body is read raw, so numbers with a fraction never become floats

    @extend_schema(
        operation_id="calculate",
        summary="Run a calculation",
        description=(
            "The public calculation contract. Kinds: " + ", ".join(KINDS) + ". Money is integer pence in "
            "fields ending _pence; dates are YYYY-MM-DD; unknown fields are an error. Every response has a "
            '`breakdown`. Bad input answers 400 with {"error": {"field", "message"}}.'
        ),
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS))],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "review-dates",
                value={"first_payment_on": "2025-04-07", "policy": {"initial_check_weeks": 8}},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, kind: str) -> Response:
        try:
            return Response(calculate_from_text(kind, request.body))
        except CalculationError as exc:
            return Response(exc.body, status=400)
