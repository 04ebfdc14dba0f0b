# Multi-stage build. No Docker engine runs on our build machines, so tests run the same
# publish command this wraps (deploy/publish.sh) and start its output.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN ./deploy/publish.sh /out

# Small runtime image with the shared framework only; no shell, no package manager.
FROM mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled
COPY --from=build /out /app
# Runs as root with all capabilities dropped but DAC_READ_SEARCH, DAC_OVERRIDE and FOWNER
# (see deploy/daemonset/daemonset.yaml): it must read and delete files of any pod's uid.
USER 0
ENV DOTNET_EnableDiagnostics=0
ENTRYPOINT ["dotnet", "/app/archiver.dll"]
CMD ["run", "--policies", "/etc/archiver/policies", "--listen", ":8080"]
