"""The planner HTTP API: scenarios, plans as durable jobs, shop-owner access and shop page."""
