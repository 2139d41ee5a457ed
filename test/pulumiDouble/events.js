// The engine event stream of the scripted `pulumi`, where `--event-log` sends it: a gRPC stream to
// the Automation API's events server for `tcp://host:port` (CLIs after 3.205.0: automation/stack.ts,
// setupEventLog; proto/events.proto, Events.StreamEvents of EventRequest{event: JSON}), else JSON
// lines appended to the file.
"use strict";
const fs = require("fs");

async function openEventSink(target) {
  if (!target) return { send: () => undefined, close: async () => undefined };
  if (!target.startsWith("tcp://")) {
    return {
      send: (event) => fs.appendFileSync(target, JSON.stringify(event) + "\n"),
      close: async () => undefined,
    };
  }
  const grpc = require("@grpc/grpc-js");
  const services = require("@pulumi/pulumi/proto/events_grpc_pb");
  const messages = require("@pulumi/pulumi/proto/events_pb");
  const client = new services.EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const call = client.streamEvents(() => done());
  return {
    send: (event) => {
      const request = new messages.EventRequest();
      request.setEvent(JSON.stringify(event));
      call.write(request);
    },
    close: async () => {
      call.end();
      await finished;
      client.close();
    },
  };
}

module.exports = { openEventSink };
