"""The yardstick for the webhook intake: a bare Flask endpoint that reads the body and answers
with a small JSON, served by gunicorn with the same settings as `sales-inbox web`."""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask("bare")


@app.post("/webhooks/mozello/<channel_id>")
def webhook(channel_id: str):
    body = request.get_data(cache=False)
    return jsonify(received=True, bytes=len(body), channel=channel_id)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
