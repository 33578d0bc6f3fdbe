"""Server-rendered web pages: the public profile form and results (English, Hindi, Marathi), the
officer dashboard, and the partner widget's script and documentation."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.officer import router as officer_router
from service.web.pages import router as pages_router

router = APIRouter()
router.include_router(pages_router)
router.include_router(officer_router)

__all__ = ["router"]
