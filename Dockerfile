# The credmatch API. Neo4j runs as its own service (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .
COPY graph_seed ./graph_seed
EXPOSE 8000
# `credmatch run` with NEO4J_URI set: schema, seed (first start only), demo keys, serve.
CMD ["credmatch", "run", "--host", "0.0.0.0", "--port", "8000"]
