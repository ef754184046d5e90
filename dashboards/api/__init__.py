"""The JSON API (django-ninja): the same charts, filters, scopes and cache as the pages, for programs."""
