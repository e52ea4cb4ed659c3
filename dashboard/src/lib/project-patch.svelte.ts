// A settings form's save: PATCH /api/v1/projects/:id with the fields the form owns, the updated
// project handed to `onsaved`, and the outcome for the form to show: `saved` ("Saved.") or `error`
// (the core's message).
import { api } from "./api.ts";
import { reporting } from "./reporting.ts";
import type { ProjectDetail } from "./types.ts";

export class ProjectPatch {
  error = $state<string | null>(null);
  saved = $state("");

  async send(projectId: string, body: Record<string, unknown>, onsaved: (p: ProjectDetail) => void): Promise<void> {
    this.error = null;
    this.saved = "";
    await reporting((message) => (this.error = message), async () => {
      const updated = await api<ProjectDetail>("PATCH", `/api/v1/projects/${projectId}`, body);
      this.saved = "Saved.";
      onsaved(updated);
    });
  }
}
