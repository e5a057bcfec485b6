"""HTTP API for coop-kg: `kg.api.main.create_app(settings)` builds the FastAPI application."""
