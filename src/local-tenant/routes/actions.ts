/** Management API: /api/v2/actions/actions — Actions, drafts, deploys and versions. */
import { actionView, deployView, versionListItem } from "./action-shapes";
import type { Req, RouteArea } from "./context";
import { TenantError } from "../errors";
import { objectBody } from "./http";
import { paginate } from "./pagination";

export const actionsRoutes: RouteArea = (app, { model }) => {
  app.get("/api/v2/actions/actions", (request: Req) => {
    const q = request.query;
    const list = model.listActions({
      ...(q.triggerId ? { triggerId: q.triggerId } : {}),
      ...(q.actionName ? { actionName: q.actionName } : {}),
      ...(q.deployed !== undefined ? { deployed: q.deployed === "true" } : {}),
    });
    return paginate(
      "actions",
      list.map((a) => actionView(model, a)),
      q,
    );
  });

  app.post("/api/v2/actions/actions", (request: Req, reply) => {
    const action = model.createAction(objectBody(request.body));
    return reply.code(201).send(actionView(model, action, true));
  });

  app.get("/api/v2/actions/actions/:id", (request: Req) => actionView(model, model.getAction(request.params.id)));

  app.patch("/api/v2/actions/actions/:id", (request: Req) =>
    actionView(model, model.updateAction(request.params.id, objectBody(request.body)), true),
  );

  app.delete("/api/v2/actions/actions/:id", (request: Req, reply) => {
    model.deleteAction(request.params.id, { force: request.query.force === "true" });
    return reply.code(204).send();
  });

  app.post("/api/v2/actions/actions/:id/deploy", (request: Req) => {
    const version = model.deployAction(request.params.id);
    return deployView(model.getAction(request.params.id), version);
  });

  app.get("/api/v2/actions/actions/:id/versions", (request: Req) => {
    const action = model.getAction(request.params.id);
    // Newest first, as the dashboard's version history lists them.
    return paginate(
      "versions",
      [...action.versions].reverse().map((v) => versionListItem(model, action, v)),
      request.query,
    );
  });

  app.get("/api/v2/actions/actions/:id/versions/:versionId", (request: Req) => {
    const action = model.getAction(request.params.id);
    return versionListItem(model, action, model.getVersion(action.id, request.params.versionId));
  });

  app.post("/api/v2/actions/actions/:id/versions/:versionId/deploy", (request: Req) => {
    const version = model.redeployVersion(request.params.id, request.params.versionId, { updateDraft: updateDraftOf(request.body) });
    return deployView(model.getAction(request.params.id), version);
  });
};

/** The optional body of a version deploy: `{ update_draft?: boolean }`, nothing else (Auth0's schema has additionalProperties: false). */
function updateDraftOf(body: unknown): boolean {
  if (body === undefined || body === null || body === "") return false;
  const fields = objectBody(body);
  for (const key of Object.keys(fields))
    if (key !== "update_draft")
      throw new TenantError(400, "invalid_body", `Payload validation error: 'Additional properties not allowed: ${key}'.`);
  if (fields.update_draft !== undefined && typeof fields.update_draft !== "boolean")
    throw new TenantError(
      400,
      "invalid_body",
      `Payload validation error: 'Expected type boolean but found type ${typeof fields.update_draft}' on property update_draft.`,
    );
  return fields.update_draft === true;
}
