"""One router per resource; ``kg.api.main.create_app`` includes them."""
