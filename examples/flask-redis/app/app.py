"""Counts visits in Redis: the web tier of the flask-redis example."""
import os

import redis
from flask import Flask

app = Flask(__name__)
cache = redis.Redis(host=os.environ.get("REDIS_HOST", "redis"), port=int(os.environ.get("REDIS_PORT", "6379")))


@app.route("/")
def index():
    visits = cache.incr("visits")
    return f"Hello from {os.environ.get('HOSTNAME', 'flask')}! This page has been viewed {visits} times.\n"


@app.route("/healthz")
def healthz():
    return "ok\n"


@app.route("/visits")
def visits():
    """The count alone, for the Ingress path www.example.com/visits."""
    return f"{int(cache.get('visits') or 0)}\n"
