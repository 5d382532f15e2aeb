package persistence.universe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import persistence.EachDb;
import persistence.TestDb;

/** The universe job's progress and lists round-trip on H2 and PostgreSQL. */
class UniverseStoreTest {
    @EachDb("universe")
    void roundTrip(TestDb.Db db) {
        UniverseStore s = new UniverseStore(db::connect, db.settings()).createTables().createTables();
        LocalDate fri = LocalDate.of(2026, 11, 20);
        LocalDate mon = LocalDate.of(2026, 11, 23);
        assertTrue(s.candidates(fri).isEmpty());
        s.addCandidates(fri, List.of(new UniverseStore.Candidate("005930", "삼성전자", 4_000_000L, false, null, null),
                new UniverseStore.Candidate("000660", null, null, false, null, null)));
        s.done(fri, "005930", 1.5e12, 2.5e11);
        s.done(fri, "000660", null, null); // read, but without figures
        assertEquals(List.of(new UniverseStore.Candidate("000660", null, null, true, null, null),
                new UniverseStore.Candidate("005930", "삼성전자", 4_000_000L, true, 1.5e12, 2.5e11)), s.candidates(fri));
        assertTrue(s.candidates(mon).isEmpty(), "progress is per day");

        assertTrue(s.latestFinished(mon).isEmpty());
        s.finish(fri, List.of(new UniverseStore.Member("005930", "삼성전자", 1, 1.5e12, fri)));
        s.finish(mon, List.of(new UniverseStore.Member("000660", "SK하이닉스", 1, -3.0, mon),
                new UniverseStore.Member("005930", "삼성전자", 2, -4.0, fri)));
        s.finish(mon, List.of(new UniverseStore.Member("005930", "삼성전자", 1, 2.0, fri))); // written again: replaced
        assertEquals(mon, s.latestFinished(mon).orElseThrow());
        assertEquals(fri, s.latestFinished(mon.minusDays(1)).orElseThrow());
        assertEquals(List.of(new UniverseStore.Member("005930", "삼성전자", 1, 2.0, fri)), s.members(mon));
    }
}
