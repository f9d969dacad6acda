//! The COMS messages as the OpenAPI document describes them: one envelope per type, so that a site's generated client knows each body.
//!
//! The core writes each message's body in the change's transaction and the channel sends it as
//! stored (`coms.rs`); these types only document what that text is. `QueuedMessage` is the
//! long-poll's answer and each text frame of the WebSocket.

use cinedesk_core::{CommandMessage, FilmMessage, VodTask, WithdrawnMessage};
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! envelope {
    ($(#[doc = $doc:literal])* $name:ident, $kind:ident, $wire:ident, $body:ty) => {
        $(#[doc = $doc])*
        #[derive(Serialize, ToSchema)]
        #[allow(dead_code)] // documents the text the channel sends as stored
        pub(crate) struct $name {
            /// Acknowledge it (and everything before it) with this id.
            #[serde(rename = "messageID")]
            message_id: String,
            #[serde(rename = "type")]
            #[schema(inline)]
            message_type: $kind,
            message: $body,
        }

        // The variant is the wire name itself: a renaming attribute would not reach utoipa
        // through the macro.
        #[derive(Serialize, ToSchema)]
        #[allow(dead_code, non_camel_case_types, clippy::upper_case_acronyms)]
        enum $kind {
            $wire,
        }
    };
}

envelope!(
    /// NEW_MOVIE: a film distributed to the cinema (or sent again by a retry): the full film and
    /// its `file` to download, resume with `Range` and verify by MD5.
    NewMovieMessage, NewMovieType, NEW_MOVIE, FilmMessage
);
envelope!(
    /// NEW_VOD_TASK: a seat of the cinema ordered films: the full task.
    NewVodTaskMessage, NewVodTaskType, NEW_VOD_TASK, VodTask
);
envelope!(
    /// MOVIE_UPDATED: a film the cinema has changed (fields, online state or file): the full film
    /// and its file. A new `file.fileID` restarts the delivery: download it instead.
    MovieUpdatedMessage, MovieUpdatedType, MOVIE_UPDATED, FilmMessage
);
envelope!(
    /// MOVIE_WITHDRAWN: the film is taken back from the cinema; stop offering it and delete it.
    MovieWithdrawnMessage, MovieWithdrawnType, MOVIE_WITHDRAWN, WithdrawnMessage
);
envelope!(
    /// VOD_TASK_UPDATED: a task of the cinema changed in the console (e.g. cancelled): the full task.
    VodTaskUpdatedMessage, VodTaskUpdatedType, VOD_TASK_UPDATED, VodTask
);
envelope!(
    /// COMMAND: seats of the cinema to act on; answer with `PUT /cms/commands/{commandID}`.
    CommandQueuedMessage, CommandType, COMMAND, CommandMessage
);

/// A message of a cinema's queue: `{"messageID", "type", "message"}`, the body by its type.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // documents the text the channel sends as stored
pub(crate) enum QueuedMessage {
    NewMovie(NewMovieMessage),
    NewVodTask(NewVodTaskMessage),
    MovieUpdated(MovieUpdatedMessage),
    MovieWithdrawn(MovieWithdrawnMessage),
    VodTaskUpdated(VodTaskUpdatedMessage),
    Command(CommandQueuedMessage),
}
