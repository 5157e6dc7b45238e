// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { positionalHotspot } from '../../../../main/core/eval/hotspot'
import { cardMethods } from '../../../../main/core/eval/card-block'
import type { ImageRecord } from '../../../../main/core/eval/records'
import { criteriaOf, rankMethods, summarise } from '../../../../main/core/eval/summary'

const seg = { correct: 1, pixels: 2, intersection: [1, 0] as [number, number], union: [1, 1] as [number, number], ap: 0.5 }

function record(id: string, top: Record<string, number>, hit: Record<string, boolean>): ImageRecord {
  const methods = Object.fromEntries(Object.keys(top).map((m) => [m, {
    topPatch: top[m]!, classContrast: m === 'good' ? -0.5 : 0.99,
    localisation: { hit: hit[m]!, mass: 0.5, patchAuroc: 0.9, segmentation: seg },
    perturbation: {
      positiveCorrect: new Array(9).fill(m === 'good' ? 0 : 1), negativeCorrect: new Array(9).fill(1),
      deletion: m === 'good' ? [0.9, ...new Array(9).fill(0.1), 0.2] : new Array(11).fill(0.5),
      insertion: m === 'good' ? [0.2, ...new Array(9).fill(0.9), 0.9] : new Array(11).fill(0.5),
    },
  }]))
  return { id, label: 1, explained: 1, probability: 0.9, methods, lesionPatches: [] }
}

describe('hot spot', () => {
  it('share of the most common top cell, with its (row, col)', () => {
    expect(positionalHotspot([97, 97, 97, 3], 14)).toEqual({ share: 0.75, cell: [6, 13], images: 4, offLesionShare: Number.NaN })
    expect(positionalHotspot([1, 2, 3, 4], 14).share).toBe(0.25)
    // Off lesion: the hot cell 97 lies on the lesion in image 0 only.
    expect(positionalHotspot([97, 97, 97, 3], 14, [[97], [5], [], [3]]).offLesionShare).toBe(0.5)
  })
})

describe('summaries, criteria, ranking, card block', () => {
  const recs = Array.from({ length: 20 }, (_, i) =>
    record(`img${i}`, { good: i * 7 % 196, stuck: 97, 'random-baseline': (i * 13) % 196 }, { good: i < 14, stuck: false, 'random-baseline': i < 2 }))
  const sanity = { steps: ['head', 'all'], spearman: { good: [[0.5, 0.5], [0.1, 0.2]], stuck: [[1, 1], [0.9, 0.9]], 'random-baseline': [[0, 0], [0, 0]] }, images: 2 }
  const ms = summarise(['good', 'stuck', 'random-baseline'], recs, 14, sanity)

  it('aggregates with n', () => {
    const good = ms[0]!
    expect(good.localisation?.n).toBe(20)
    expect(good.localisation?.pointingGame).toBeCloseTo(0.7, 12)
    expect(good.sanity?.spearmanFullyRandomised.value).toBeCloseTo(0.15, 12)
    expect(good.perturbation?.n).toBe(20)
    expect(ms[1]!.hotspot).toEqual({ share: 1, cell: [6, 13], images: 20, offLesionShare: 1 })
  })

  it('a method meeting the whole bar passes 6/6 and ranks first', () => {
    const random = ms[2]
    expect(criteriaOf(ms[0]!, random)).toEqual({ sanity: true, classContrast: true, pointingGame: true, deletion: true, insertion: true, noHotspot: true, passed: 6 })
    expect(criteriaOf(ms[1]!, random).passed).toBe(0)
    expect(rankMethods(ms.slice(0, 2), random).map((r) => r.id)).toEqual(['good', 'stuck'])
  })

  it('card entries carry the random floor and pass flags', () => {
    const card = cardMethods(ms)
    expect(card['good']?.sanity).toEqual({ spearmanFullyRandomised: 0.15, pass: true, n: 2 })
    expect(card['good']?.randomDeletionAuc).toBe(card['random-baseline']?.deletionAuc)
    expect(card['stuck']?.classContrast.pass).toBe(false)
  })
})
