# Multi-stage, multi-architecture build (docker buildx build --platform linux/amd64,linux/arm64).
# tests/image.sh builds it with buildah (no Docker engine: stand-ins for the base images, chroot
# isolation) for amd64 and arm64, and runs the amd64 image as the DaemonSet runs it.

# The target architecture's own libzstd (Ubuntu 24.04, the runtime image's release). Nothing runs
# in this stage, so no emulator is needed to build for another architecture.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble AS target-libs

# The SDK runs on the build machine's architecture and cross-publishes for the target's:
# deploy/publish.sh maps TARGETARCH (amd64, arm64) to the RID (linux-x64, linux-arm64) and
# refuses a libzstd of another architecture.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY --from=target-libs /usr/lib/*-linux-gnu/libzstd.so.1* /target-libs/
COPY . .
RUN TARGETARCH="$TARGETARCH" LIBZSTD=/target-libs/libzstd.so.1 ./deploy/publish.sh /out

# Small runtime image with the shared framework only; no shell, no package manager, no libzstd
# and no tzdata: /app carries both (archiver --version says which are used).
FROM mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled
COPY --from=build /out /app
# Runs as root with all capabilities dropped but DAC_OVERRIDE and FOWNER (see
# deploy/daemonset/daemonset.yaml): it must read and delete files of any pod's uid.
USER 0
ENV DOTNET_EnableDiagnostics=0
ENTRYPOINT ["dotnet", "/app/archiver.dll"]
CMD ["run", "--policies", "/etc/archiver/policies", "--listen", ":8080"]
