"""The WSGI app Zappa's handler imports (`app_function: service.lambda_app.app`).

Built once per Lambda container, at import, so the first request does not pay for it; settings
come from the environment Zappa sets (table name, stage) and the secrets it names.
"""

from service.app import create_app

app = create_app()
