// Whether this page may change anything (issue 18). The role comes from the server
// (`access.role`, answered per connection by the daemon from the token it was given), never
// from the URL; until it is known the page shows no actions.
import { useSystem } from '../../store/store-context';

export function useOperator(): boolean {
  return useSystem((state) => state.role === 'operator');
}
