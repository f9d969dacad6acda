//! Finding 4: tus headers as the protocol writes them, an offset mismatch before anything else, and names held to the document's patterns.

use serde_json::json;

use super::server::Server;

impl Server {
    /// A tus request with the admin's `token` and `headers`: the status.
    async fn tus(&self, method: &str, path: &str, token: &str, headers: &[(&str, &str)], body: Vec<u8>) -> u16 {
        let mut req = self.http.request(method.parse().unwrap(), self.url(path)).bearer_auth(token);
        req = req.header("tus-resumable", "1.0.0");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(body).send().await.unwrap().status().as_u16()
    }

    /// A new tus upload of `length` bytes: its path.
    async fn tus_upload(&self, token: &str, length: u64) -> String {
        let req = self.http.post(self.url("/files/")).bearer_auth(token).header("tus-resumable", "1.0.0");
        let res = req.header("upload-length", length.to_string()).send().await.unwrap();
        assert_eq!(res.status(), 201);
        res.headers()["location"].to_str().unwrap().trim_start_matches(&self.base).to_string()
    }
}

#[tokio::test]
async fn a_tus_length_with_a_sign_or_sent_twice_is_a_400() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    for length in ["+5", "0x5", "-0", "5.0", "5 5"] {
        let status = server.tus("POST", "/files/", &token, &[("upload-length", length)], vec![]).await;
        assert_eq!(status, 400, "Upload-Length: {length:?}");
    }
    let twice = server.tus("POST", "/files/", &token, &[("upload-length", "5"), ("upload-length", "9")], vec![]).await;
    assert_eq!(twice, 400, "two Upload-Length headers");
    assert_eq!(server.tus("POST", "/files/", &token, &[("upload-length", "5")], vec![]).await, 201);
}

#[tokio::test]
async fn a_patch_at_another_offset_is_a_409_even_when_it_would_run_past_the_end() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    let path = server.tus_upload(&token, 10).await;
    let octets = ("content-type", "application/offset+octet-stream");
    let status = server.tus("PATCH", &path, &token, &[("upload-offset", "4"), octets], vec![1; 20]).await;
    assert_eq!(status, 409, "the offset is wrong, whatever else is");
    let wrong_type = server.tus("PATCH", &path, &token, &[("upload-offset", "3")], vec![1; 2]).await;
    assert_eq!(wrong_type, 409, "before the Content-Type too");
    let offsets = [("upload-offset", "0"), ("upload-offset", "0"), octets];
    assert_eq!(server.tus("PATCH", &path, &token, &offsets, vec![1; 2]).await, 400, "two offsets");
    assert_eq!(server.tus("PATCH", &path, &token, &[("upload-offset", "0"), octets], vec![1; 10]).await, 204);
}

#[tokio::test]
async fn a_folder_named_with_dots_alone_is_a_400() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    for name in ["..", ".", "...", " .. "] {
        let body = json!({"ownerType": "2", "dirName": name});
        let (status, res) = server.json("POST", "/onlineDisk/createFolder", Some(&token), Some(body)).await;
        assert_eq!((status, res["field"].as_str()), (400, Some("dirName")), "{name:?}: {res}");
    }
    let (_, spaces) =
        server.json("POST", "/onlineDisk/queryFolders", Some(&token), Some(json!({"ownerType": "2"}))).await;
    assert_eq!(spaces["data"]["list"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn sizes_are_digits_as_the_document_writes_them() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    for size in ["+5", "05", "5e3", "-1"] {
        let body = json!({"title": "片", "fileName": "a.mp4", "fileSize": size});
        let (status, res) = server.json("POST", "/vod/getVideoUploadAuth", Some(&token), Some(body)).await;
        assert_eq!((status, res["field"].as_str()), (400, Some("fileSize")), "{size:?}: {res}");
    }
}
