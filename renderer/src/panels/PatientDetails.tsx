import { useEffect, useState } from 'react'
import type { ErrorDto, PatientDetailsDto } from '../../../preload/contract'
import { useSession } from '../state/hooks'
import { fetchPatientDetails } from '../state/scan-actions'

/**
 * Identifying attributes stay in main until the user asks. The values live only in this panel's own state
 * (never in the session store, never logged) and are dropped when it is hidden or another image opens.
 */
export function PatientDetails() {
  const imageId = useSession((s) => s.image?.imageId ?? null)
  const count = useSession((s) => s.image?.phiCount ?? 0)
  const [details, setDetails] = useState<PatientDetailsDto | null>(null)
  const [error, setError] = useState<ErrorDto | null>(null)
  useEffect(() => {
    setDetails(null)
    setError(null)
  }, [imageId])
  if (imageId === null || count === 0) return null
  const toggle = async (): Promise<void> => {
    if (details !== null) return setDetails(null)
    const r = await fetchPatientDetails()
    if (r === null) return
    if (r.ok) setDetails(r.value)
    else setError(r.error)
  }
  return (
    <section className="panel patient-details" aria-labelledby="patient-title">
      <h2 id="patient-title">Patient details</h2>
      <button type="button" data-testid="phi-toggle" aria-pressed={details !== null} onClick={() => void toggle()}>
        {details === null ? `Show patient details (${count} hidden)` : 'Hide patient details'}
      </button>
      {error !== null && <p className="error-inline" role="alert">{error.message}</p>}
      {details !== null && (
        <dl className="phi-list" data-testid="phi-list">
          {details.fields.map((f) => (
            <div key={f.keyword}>
              <dt>{f.keyword}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  )
}
