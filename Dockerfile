# diemcau for real deployments (see docker-compose.yml). The worker comes from mediasoup's
# prebuilt download when the build has internet, or is built offline against Debian's libraries.
FROM node:20-bookworm
WORKDIR /app
COPY . .
RUN bash scripts/setup.sh --runtime
ENV NODE_ENV=production DATA_DIR=/data
VOLUME /data
EXPOSE 3000 40000/udp 40000/tcp
CMD ["node", "--import", "tsx", "main.ts"]
