# Builds the single `ctlstore` executable with `deno compile` on the official Deno image, then
# ships only the binary on distroless/cc, the smallest base with the glibc and libgcc_s the
# compiled binary links against.
#
#   docker build -t ctlstore .
#   docker run --rm ctlstore --help
FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY deno.json deno.lock ./
COPY main.ts ./
COPY commands/ commands/
COPY lib/ lib/
RUN deno install --frozen --entrypoint main.ts && deno task compile
# The state directory, owned by the image's non-root user so named volumes inherit the owner.
RUN mkdir -p /state/ctlstore/snapshots

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/ctlstore /usr/local/bin/ctlstore
COPY --from=build --chown=65532:65532 /state/ctlstore/ /var/spool/ctlstore/
# LDB, changelog and snapshots live here; mount a volume over it.
VOLUME ["/var/spool/ctlstore"]
# executive 3000, sidecar 1331, reflector/supervisor metrics 9090
EXPOSE 3000 1331 9090
USER nonroot
# Container health: the image has no curl (nor a shell), so `ctlstore healthcheck` GETs the URL
# and exits 0 on a 2xx answer. Its -url comes from CTLSTORE_HEALTHCHECK_URL, by default the
# executive's /healthz (also right for `ctlstore up`, whose executive listens on 127.0.0.1:3000).
# Set it per service (docker run -e, compose `environment:`): sidecar
# http://127.0.0.1:1331/healthz; reflector, supervisor and heartbeat: /healthz on their
# -metrics-bind address. `docker run --health-cmd` cannot be used: it needs a shell.
ENV CTLSTORE_HEALTHCHECK_URL=http://127.0.0.1:3000/healthz
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/ctlstore", "healthcheck", "-timeout", "5s"]
ENTRYPOINT ["/usr/local/bin/ctlstore"]
CMD ["--help"]
