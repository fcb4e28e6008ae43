// Renders its children only in the browser, after hydration; the server (and the first client render)
// shows the fallback. For widgets that measure the DOM, such as polaris-viz charts.
import { useSyncExternalStore, type ReactNode } from "react";

const subscribe = () => () => {};

/** False during SSR and hydration, true once the client has taken over. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  return useHydrated() ? <>{children()}</> : <>{fallback}</>;
}
