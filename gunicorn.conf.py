# Read by gunicorn when started from the project root (`make run`, the README's commands).
# Personal and speaker tokens in URLs are masked in the access and error logs.
logger_class = "bimtek.logmask.GunicornLogger"
