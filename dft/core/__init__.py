"""The domain: models, default taxonomy and services. No Qt, no knowledge of where data lives."""
