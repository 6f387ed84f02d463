# Myelin as a containerized training job; docs/container.md has the whole story.
#
#   docker build -t myelin .                         CPU image (the default target, "runtime")
#   docker build -t myelin:cuda --target cuda .       CUDA 11.6 image, run with --gpus all (GPUs of compute
#                                                     capability 3.7 to 8.9 only: ND4J 1.0.0-M2.1; docs/gpu.md)
#   docker run --rm -v "$PWD/mnist:/data:ro" -v myelin-out:/out myelin
#
# Conventions: data in /data, outputs (model.zip, metrics.csv, metrics.png, checkpoint.zip) in /out, the job
# config at /job/config.json (the default one trains the MNIST MLP from /data into /out); MYELIN_EPOCHS,
# MYELIN_BATCH_SIZE and MYELIN_SEED override it. SIGTERM (docker stop) writes a checkpoint to /out before the
# process exits; started again on the same /out, the job resumes from it.
#
# The base images are build arguments so that the same file builds from local images where no registry can be
# reached (scripts/container-test does that with podman and a debootstrapped Debian).
ARG BUILD_IMAGE=eclipse-temurin:17-jdk-jammy
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy
# The CUDA build uses nvcc 11.8, the first with sm_90 (H100) for the native kernels' fat binary; the runtime stays
# on CUDA 11.6, the version nd4j-cuda-11.6 was built for (both are CUDA 11: the same driver runs them). The runtime
# base must be a CUDA 11.x "runtime" image (not "base"): nd4j-cuda-11.6 links libcublas.so.11, libcublasLt.so.11 and
# libcusolver.so.11, which those images carry in /usr/local/cuda/lib64. Neither CUDA image has been built or run
# by the project so far (no GPU and no registry access on its build machines); docs/gpu.md.
ARG CUDA_BUILD_IMAGE=nvidia/cuda:11.8.0-devel-ubuntu20.04
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:11.6.2-runtime-ubuntu20.04

# ---- The project's pom files alone, so that the dependency layers below are rebuilt only when a pom changes.
FROM ${BUILD_IMAGE} AS poms
COPY . /src
RUN find /src -type f ! -name pom.xml -delete && find /src -mindepth 1 -depth -type d -empty -delete

# ---- CPU build: the Maven wrapper, the dependencies (cached layer), then the sources.
FROM ${BUILD_IMAGE} AS build
# The native kernels are compiled with g++ through JavaCPP; a base image that has it skips the install.
RUN command -v g++ >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*; }
WORKDIR /src
COPY mvnw ./
COPY .mvn/ .mvn/
COPY --from=poms /src/ ./
RUN ./mvnw -B -ntp -pl cli -am dependency:go-offline
COPY . .
RUN ./mvnw -B -ntp -o -pl cli -am -Dmaven.test.skip=true package && scripts/stage-app /app

# ---- CUDA build: the same with -Pcuda, on a CUDA image with nvcc (a JDK is added when the image has none).
FROM ${CUDA_BUILD_IMAGE} AS build-cuda
RUN command -v javac >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends openjdk-17-jdk-headless g++ && rm -rf /var/lib/apt/lists/*; }
WORKDIR /src
COPY mvnw ./
COPY .mvn/ .mvn/
COPY --from=poms /src/ ./
RUN ./mvnw -B -ntp -Pcuda -pl cli -am dependency:go-offline
COPY . .
RUN ./mvnw -B -ntp -o -Pcuda -pl cli -am -Dmaven.test.skip=true package && scripts/stage-app /app

# ---- CUDA runtime: nd4j-cuda-11.6 needs the CUDA 11 libraries of this image (cuBLAS 11, cuSOLVER 11) and the
# driver's libcuda, which --gpus all (or the CDI device nvidia.com/gpu=all) mounts in. On a GPU outside compute
# capability 3.7-8.9, without the driver, or without those libraries, every command stops at once with the reason.
FROM ${CUDA_RUNTIME_IMAGE} AS cuda
RUN command -v java >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/*; }
RUN groupadd --system --gid 10001 myelin \
 && useradd --system --uid 10001 --gid myelin --home-dir /home/myelin --create-home --shell /usr/sbin/nologin myelin \
 && mkdir -p /data /out /job && chown myelin:myelin /out \
 && printf '%s\n' '{"data": {"source": "mnist", "dir": "/data"}, "output": "/out"}' > /job/config.json
COPY --from=build-cuda /app/ /app/
RUN ln -s /app/bin/myelin /usr/local/bin/myelin
ENV OMP_WAIT_POLICY=PASSIVE KMP_BLOCKTIME=200
WORKDIR /out
USER myelin
VOLUME ["/data", "/out"]
ENTRYPOINT ["myelin"]
CMD ["train", "--config", "/job/config.json"]

# ---- CPU runtime (the default target): a JRE, the application, a non-root user.
FROM ${RUNTIME_IMAGE} AS runtime
RUN groupadd --system --gid 10001 myelin \
 && useradd --system --uid 10001 --gid myelin --home-dir /home/myelin --create-home --shell /usr/sbin/nologin myelin \
 && mkdir -p /data /out /job && chown myelin:myelin /out \
 && printf '%s\n' '{"data": {"source": "mnist", "dir": "/data"}, "output": "/out"}' > /job/config.json
COPY --from=build /app/ /app/
RUN ln -s /app/bin/myelin /usr/local/bin/myelin
ENV OMP_WAIT_POLICY=PASSIVE KMP_BLOCKTIME=200
WORKDIR /out
USER myelin
VOLUME ["/data", "/out"]
ENTRYPOINT ["myelin"]
CMD ["train", "--config", "/job/config.json"]
