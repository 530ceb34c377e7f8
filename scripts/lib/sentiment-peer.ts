/**
 * The JavaScript peer Pantau is measured against: nlp.js `SentimentAnalyzer` with the `@nlpjs/lang-id`
 * AFINN-style Indonesian lexicon (MIT). Its vote is the sign of the summed word scores, with a negator
 * flipping every later hit in the text. Eval-only (devDependency).
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangId } from '@nlpjs/lang-id';
import { SentimentAnalyzer } from '@nlpjs/sentiment';

/** What the peer returns for one text. */
export interface PeerVerdict {
  readonly vote: 'positive' | 'negative' | 'neutral';
  /** Summed AFINN scores (−5..+5 per hit). */
  readonly score: number;
}

export interface Peer {
  analyze(text: string): Promise<PeerVerdict>;
}

/** Build the peer (an nlp.js container with the Indonesian language plugin). */
export async function createPeer(): Promise<Peer> {
  const container = await containerBootstrap();
  container.use(LangId);
  const analyzer = new SentimentAnalyzer({ container });
  return {
    async analyze(text: string): Promise<PeerVerdict> {
      const result = (await analyzer.process({ locale: 'id', text })) as {
        sentiment: { vote: PeerVerdict['vote']; score: number };
      };
      return { vote: result.sentiment.vote, score: result.sentiment.score };
    },
  };
}
