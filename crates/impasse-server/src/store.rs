//! The scenario library: the user's scenarios in one SQLite file.
//!
//! One table, `scenarios(name TEXT PRIMARY KEY, text TEXT NOT NULL, format TEXT NOT NULL,
//! updated INTEGER NOT NULL)`. The database runs in WAL mode with `synchronous = FULL`, and every
//! write is one transaction: a save the server has acknowledged is on disk, and a server killed in
//! the middle of a write leaves the previous version intact (SQLite rolls the unfinished
//! transaction back when the file is next opened). [`Store::open`] runs `PRAGMA integrity_check`
//! and refuses a damaged file.
//!
//! Names are validated by the API before they get here and are only ever used as SQL parameters:
//! they never become file names.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The file name of the database inside the data folder.
pub const DB_FILE: &str = "impasse.db";

/// The most scenarios the library holds.
pub const MAX_SCENARIOS: usize = 10_000;

/// How a stored scenario's text is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// impasse's native TOML.
    Toml,
    /// impasse's native JSON.
    Json,
    /// A GENIUS domain: its XML files, bundled into one text (see `docs/web-app.md`).
    Genius,
    /// A GeniusWeb domain: its JSON files, bundled into one text.
    GeniusWeb,
}

impl Format {
    /// The name stored and used by the API: `toml`, `json`, `genius` or `geniusweb`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Json => "json",
            Format::Genius => "genius",
            Format::GeniusWeb => "geniusweb",
        }
    }

    /// The format named `name` (as [`Format::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "genius" => Some(Format::Genius),
            "geniusweb" => Some(Format::GeniusWeb),
            _ => None,
        }
    }

    /// Whether this is impasse's own format (TOML or JSON).
    pub fn is_native(self) -> bool {
        matches!(self, Format::Toml | Format::Json)
    }
}

/// A stored scenario.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredScenario {
    /// Its name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// How the text is written.
    pub format: Format,
    /// When it was last saved, in milliseconds since the Unix epoch.
    pub updated: i64,
}

/// A scenario in a listing (no text).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Listed {
    /// Its name.
    pub name: String,
    /// How its text is written.
    pub format: Format,
    /// When it was last saved, in milliseconds since the Unix epoch.
    pub updated: i64,
    /// The length of its text in bytes.
    pub bytes: u64,
}

/// What can go wrong with the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// `PRAGMA integrity_check` found damage.
    #[error("{path} is damaged (integrity check: {report}); move it away to start a new library")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What the check reported.
        report: String,
    },
    /// A stored row has an unknown format.
    #[error("{path}: scenario '{name}' has an unknown format '{format}'")]
    BadRow {
        /// The database file.
        path: PathBuf,
        /// The scenario.
        name: String,
        /// The format found.
        format: String,
    },
    /// The library already holds [`MAX_SCENARIOS`] scenarios.
    #[error("the library is full ({limit} scenarios); delete some first")]
    Full {
        /// The limit.
        limit: usize,
    },
}

/// The scenario library.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

/// Milliseconds since the Unix epoch.
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Store {
    /// Opens (creating if needed) the library in `data_dir`: the folder, the database file
    /// [`DB_FILE`] in WAL mode, and its table; checks the file's integrity.
    ///
    /// # Errors
    ///
    /// When the folder or the file cannot be created or opened, or the file is damaged.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::Folder { path: data_dir.to_owned(), source })?;
        let path = data_dir.join(DB_FILE);
        let sql = |source| StoreError::Sqlite { path: path.clone(), source };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(sql)?;
        // WAL: readers never block the writer, and a killed writer leaves the last committed
        // state. FULL: a commit is on disk before it is acknowledged, even across a power cut.
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Some file systems cannot do WAL; the rollback journal is as safe, only slower.
            conn.execute_batch("PRAGMA journal_mode = DELETE").map_err(sql)?;
        }
        conn.execute_batch("PRAGMA synchronous = FULL").map_err(sql)?;
        let store = Store { path: path.clone(), conn: Mutex::new(conn) };
        store.integrity_check()?;
        store
            .lock()
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS scenarios (
                     name TEXT PRIMARY KEY,
                     text TEXT NOT NULL,
                     format TEXT NOT NULL,
                     updated INTEGER NOT NULL
                 )",
            )
            .map_err(sql)?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half-done (a dropped
        // transaction rolls back), so the connection is still good.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.path.clone(), source }
    }

    fn format_of(&self, name: &str, format: &str) -> Result<Format, StoreError> {
        Format::parse(format).ok_or_else(|| StoreError::BadRow {
            path: self.path.clone(),
            name: name.to_owned(),
            format: format.to_owned(),
        })
    }

    /// Runs `PRAGMA integrity_check`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] with SQLite's report when the file is damaged.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(|e| self.sql(e))?;
        let rows: Vec<String> = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt { path: self.path.clone(), report: rows.join("; ") })
        }
    }

    /// Every stored scenario, by name.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn list(&self) -> Result<Vec<Listed>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT name, format, updated, length(CAST(text AS BLOB)) FROM scenarios \
                 ORDER BY name",
            )
            .map_err(|e| self.sql(e))?;
        let rows: Vec<(String, String, i64, i64)> = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        rows.into_iter()
            .map(|(name, format, updated, bytes)| {
                let format = self.format_of(&name, &format)?;
                Ok(Listed { name, format, updated, bytes: u64::try_from(bytes).unwrap_or(0) })
            })
            .collect()
    }

    /// The scenario named `name`, if stored.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn get(&self, name: &str) -> Result<Option<StoredScenario>, StoreError> {
        let conn = self.lock();
        let row: Option<(String, String, i64)> = conn
            .query_row(
                "SELECT text, format, updated FROM scenarios WHERE name = ?1",
                params![name],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        row.map(|(text, format, updated)| {
            Ok(StoredScenario {
                name: name.to_owned(),
                text,
                format: self.format_of(name, &format)?,
                updated,
            })
        })
        .transpose()
    }

    /// Saves `text` under `name`, replacing what was stored there, in one transaction. Returns
    /// whether the scenario is new, and the time stamp stored.
    ///
    /// # Errors
    ///
    /// When SQLite fails or the library is full.
    pub fn put(&self, name: &str, text: &str, format: Format) -> Result<(bool, i64), StoreError> {
        self.write(name, text, format, true)
            .map(|(created, updated)| (created.unwrap_or(false), updated))
    }

    /// Saves `text` under `name` only if nothing is stored under that name yet, in one
    /// transaction. Returns `None` when the name is taken.
    ///
    /// # Errors
    ///
    /// When SQLite fails or the library is full.
    pub fn insert(
        &self,
        name: &str,
        text: &str,
        format: Format,
    ) -> Result<Option<i64>, StoreError> {
        self.write(name, text, format, false)
            .map(|(created, updated)| created.filter(|&c| c).map(|_| updated))
    }

    /// `Some(created)` when written; `None` when `replace` is false and the name is taken.
    fn write(
        &self,
        name: &str,
        text: &str,
        format: Format,
        replace: bool,
    ) -> Result<(Option<bool>, i64), StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM scenarios WHERE name = ?1)",
                params![name],
                |row| row.get(0),
            )
            .map_err(|e| self.sql(e))?;
        if exists && !replace {
            return Ok((Some(false), 0));
        }
        if !exists {
            let count: i64 = tx
                .query_row("SELECT COUNT(*) FROM scenarios", [], |row| row.get(0))
                .map_err(|e| self.sql(e))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_SCENARIOS {
                return Err(StoreError::Full { limit: MAX_SCENARIOS });
            }
        }
        let updated = now_millis();
        tx.execute(
            "INSERT INTO scenarios (name, text, format, updated) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(name) DO UPDATE SET text = excluded.text, format = excluded.format, \
             updated = excluded.updated",
            params![name, text, format.as_str(), updated],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok((Some(!exists), updated))
    }

    /// Deletes the scenario named `name`, in one transaction; returns whether it was stored.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn delete(&self, name: &str) -> Result<bool, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let n = tx
            .execute("DELETE FROM scenarios WHERE name = ?1", params![name])
            .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_insert_refuses_taken_names() {
        let dir = std::env::temp_dir().join(format!("impasse-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).unwrap();
        assert!(store.put("a", "x = 1", Format::Toml).unwrap().0);
        assert!(!store.put("a", "x = 2", Format::Toml).unwrap().0);
        assert!(store.insert("a", "x = 3", Format::Toml).unwrap().is_none());
        assert!(store.insert("b", "{}", Format::Json).unwrap().is_some());
        assert_eq!(store.get("a").unwrap().unwrap().text, "x = 2");
        assert_eq!(store.list().unwrap().len(), 2);
        assert!(store.delete("a").unwrap());
        assert!(!store.delete("a").unwrap());
        assert!(store.get("a").unwrap().is_none());
        drop(store);
        let store = Store::open(&dir).unwrap();
        assert_eq!(store.get("b").unwrap().unwrap().format, Format::Json);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
