"""One Blueprint per concern; :data:`publisher.app.BLUEPRINTS` lists them."""
