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
ENTRYPOINT ["/usr/local/bin/ctlstore"]
CMD ["--help"]
