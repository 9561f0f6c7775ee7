# The one Kivyx OTA image: `kivyx-ota operator` or `kivyx-ota serve` (the Helm chart passes the
# subcommand as args). JRE only, non-root, read-only root file system friendly (scratch in /tmp).
#
# Build the jar first, then the image (no Docker engine is available on the project's CI machines):
#   ./mvnw -B -ntp -DskipTests package       # -> cli/target/kivyx-ota.jar
#   docker build -t ghcr.io/kivyx/kivyx-ota:0.1.0 .
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="kivyx-ota" \
      org.opencontainers.image.description="Kivyx OTA operator and manifest server" \
      org.opencontainers.image.licenses="Apache-2.0"

# A fixed numeric UID/GID (the chart's runAsUser/runAsGroup) so runAsNonRoot can be verified.
RUN groupadd --system --gid 10001 kivyx \
    && useradd --system --uid 10001 --gid kivyx --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin kivyx

COPY cli/target/kivyx-ota.jar /opt/kivyx-ota/kivyx-ota.jar

USER 10001:10001
WORKDIR /tmp
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# 8080: manifest server (serve --port); 8081: operator health and metrics (operator --health-port);
# 8090: dashboard (dashboard --port).
EXPOSE 8080 8081 8090
ENTRYPOINT ["java", "-jar", "/opt/kivyx-ota/kivyx-ota.jar"]
CMD ["--help"]
