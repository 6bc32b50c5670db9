"""Services: one verb, one transaction (validate → authorise → change → commit → signal)."""
